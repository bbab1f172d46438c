-- wrk script for bench/run.py's comment posting: every connection sends guest comments one after
-- another, with the form fields the post page gave (args: the form's action path, its fixed fields
-- already form-encoded, the Referer). Each comment is a different reader's, as on the day a report
-- spreads: its own address (in X-Forwarded-For, which the server believes from 127.0.0.1 as it
-- would from nginx), its own email and a unique body (a per-thread counter in the nonce and the
-- text), so the rate limits, the resent-form check and the duplicate check all run, and refuse none.
-- done() prints what bench/run.py reads: requests sent and answered, 303s (accepted), other
-- answers, socket errors, the duration and latency percentiles.

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  action, fixed, referer = args[1], args[2], args[3]
  run = os.time()  -- in the nonces: a second run on the same post resends none of the first's forms
  sent, answered, accepted, refused = 0, 0, 0, 0
  headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Referer"] = referer,
  }
end

function request()
  sent = sent + 1
  local n = run .. "-" .. id .. "-" .. sent
  headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", id, math.floor(sent / 250) % 250, sent % 250 + 1)
  local body = fixed .. "&nonce=bench-" .. n .. "&email=reader-" .. n .. "%40example.org&body=Comment+" .. n ..
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
