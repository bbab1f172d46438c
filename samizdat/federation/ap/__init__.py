"""ActivityStreams documents: pure functions from our rows to JSON (render) and from JSON to plain
values (parse). No database query and no network here: callers load what these need."""
