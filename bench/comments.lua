-- wrk script for bench/run.py's comment posting: every connection is a guest sending comments,
-- one after another, with the form fields the post page gave (args: the form's action path, its
-- fixed fields already form-encoded, the Referer). Each body is unique (a per-thread counter in
-- the nonce and the text), so neither the resent-form check nor the duplicate check refuses it.
-- done() prints what bench/run.py reads: requests sent and answered, 303s (accepted), other
-- answers, socket errors, the duration and latency percentiles.

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  action, fixed, referer = args[1], args[2], args[3]
  sent, answered, accepted, refused = 0, 0, 0, 0
  headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Referer"] = referer,
  }
end

function request()
  sent = sent + 1
  local n = id .. "-" .. sent
  local body = fixed .. "&nonce=bench-" .. n .. "&body=Comment+" .. n ..
    "+from+a+reader%3A+the+night+shift+stands+with+the+cleaners."
  return wrk.format("POST", action, headers, body)
end

function response(status, headers, body)
  answered = answered + 1
  if status == 303 then
    accepted = accepted + 1
  else
    refused = refused + 1
  end
end

function done(summary, latency, requests)
  local totals = {sent = 0, answered = 0, accepted = 0, refused = 0}
  for _, thread in ipairs(threads) do
    for key, _ in pairs(totals) do
      totals[key] = totals[key] + thread:get(key)
    end
  end
  local e = summary.errors
  io.write(string.format(
    "bench sent=%d answered=%d accepted=%d refused=%d socket_errors=%d duration_us=%d p50_us=%d p99_us=%d\n",
    totals.sent, totals.answered, totals.accepted, totals.refused,
    e.connect + e.read + e.write + e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(99)))
end
