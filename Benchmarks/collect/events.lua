-- wrk script: Segment-format messages with unique messageIds, as analytics-python sends them.
-- BATCH (env, default 100) messages per request to /v1/batch; BATCH=1 posts single messages to /v1/track.
-- The mix per 100 messages: 60 track by a known user, 30 page views by anonymous visitors (one in ten with UTM
-- parameters, one in five arriving from Google), 8 screen views, 2 identify calls.
local batch = tonumber(os.getenv("BATCH") or "100")
local key = os.getenv("WRITE_KEY")
local run = os.getenv("RUN_ID") or tostring(os.time())
local auth = "Basic " .. (function(s)
  local b = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
  return ((s:gsub(".", function(x)
    local r, byte = "", x:byte()
    for i = 8, 1, -1 do r = r .. (byte % 2 ^ i - byte % 2 ^ (i - 1) > 0 and "1" or "0") end
    return r
  end) .. "0000"):gsub("%d%d%d?%d?%d?%d?", function(x)
    if #x < 6 then return "" end
    local c = 0
    for i = 1, 6 do c = c + (x:sub(i, i) == "1" and 2 ^ (6 - i) or 0) end
    return b:sub(c + 1, c + 1)
  end) .. ({ "", "==", "=" })[#s % 3 + 1])
end)(key .. ":")

local counter = 0
thread_id = 0
local ts = "2026-11-20T10:00:00.000Z"
local ctx = '"context":{"library":{"name":"analytics-python","version":"2.3.0"},"ip":"203.0.113.7"}'

setup = function(thread)
  thread:set("thread_id", thread_id)
  thread_id = thread_id + 1
end

init = function()
  math.randomseed(os.time() * 1000 + thread_id * 7919 + tonumber(tostring({}):sub(8), 16) % 100000)
end

-- messageIds are random like the UUIDs SDKs send (random ids are the costly case for the dedup index).
local function uuid()
  return string.format("%08x-%04x-4%03x-%04x-%06x%06x", math.random(0, 0xffffffff), math.random(0, 0xffff), math.random(0, 0xfff),
    math.random(0x8000, 0xbfff), math.random(0, 0xffffff), math.random(0, 0xffffff))
end

local function message(n)
  local id = uuid()
  local slot = n % 100
  local user = "user-" .. (n * 7919 % 20000)
  if slot < 60 then
    return '{"type":"track","event":"Product Viewed","userId":"' .. user .. '","messageId":"' .. id ..
      '","timestamp":"' .. ts .. '","properties":{"product_id":"p-' .. (n % 500) .. '","price":49.5,"currency":"USD","category":"Plans"},' .. ctx .. '}'
  elseif slot < 90 then
    local utm = (slot % 10 == 0) and "?utm_source=newsletter&utm_medium=email&utm_campaign=spring_launch" or ""
    -- One page view in five starts a visit (from Google); the others follow a link on the site.
    local referrer = (slot % 5 == 1) and "https://www.google.com/" or "https://www.acme.example/"
    return '{"type":"page","name":"Pricing","anonymousId":"anon-' .. (n * 104729 % 200000) .. '","messageId":"' .. id ..
      '","timestamp":"' .. ts .. '","properties":{"path":"/pricing","title":"Pricing"},"context":{"page":{"url":"https://www.acme.example/pricing' .. utm ..
      '","referrer":"' .. referrer .. '"},"userAgent":"Mozilla/5.0","library":{"name":"analytics.js","version":"4.1.0"}}}'
  elseif slot < 98 then
    return '{"type":"screen","name":"Dashboard","userId":"' .. user .. '","messageId":"' .. id .. '","timestamp":"' .. ts .. '",' .. ctx .. '}'
  else
    return '{"type":"identify","userId":"' .. user .. '","anonymousId":"anon-' .. (n * 104729 % 200000) .. '","messageId":"' .. id ..
      '","timestamp":"' .. ts .. '","traits":{"email":"' .. user .. '@example.com","plan":"pro"},' .. ctx .. '}'
  end
end

request = function()
  if batch == 1 then
    counter = counter + 1
    local m = message(counter)
    return wrk.format("POST", "/v1/" .. (m:match('"type":"(%a+)"')), { ["Authorization"] = auth, ["Content-Type"] = "application/json" }, m)
  end
  local parts = {}
  for i = 1, batch do
    counter = counter + 1
    parts[i] = message(counter)
  end
  local body = '{"batch":[' .. table.concat(parts, ",") .. '],"sentAt":"' .. ts .. '"}'
  return wrk.format("POST", "/v1/batch", { ["Authorization"] = auth, ["Content-Type"] = "application/json" }, body)
end

local errors = 0
response = function(status, headers, body)
  if status ~= 200 then
    errors = errors + 1
    if errors < 5 then io.stderr:write("status " .. status .. ": " .. body:sub(1, 300) .. "\n") end
  end
end
