-- wrk script of the search benchmark (scripts/bench search): GET /api/v1/search with the queries of
-- scripts/bench_search_queries.tsv (or $BENCH_SEARCH_QUERIES), URL-encoded, in file order. Each wrk
-- thread walks the whole list, cycling, starting at its own offset (thread i of n starts at i/n of
-- the list), so the order is deterministic per thread and every query is sent about equally often.
--
-- Usage: wrk -t2 -c8 -d10s --latency -s scripts/bench_search.lua http://127.0.0.1:PORT

local queries_file = os.getenv("BENCH_SEARCH_QUERIES") or "scripts/bench_search_queries.tsv"

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", c:byte()) end))
end

local function split_tabs(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do fields[#fields + 1] = field end
  return fields
end

-- The request paths, in file order.
local function load_paths()
  local f = assert(io.open(queries_file, "r"), "bench_search.lua: cannot open " .. queries_file)
  local paths = {}
  for line in f:lines() do
    if line ~= "" and line:sub(1, 1) ~= "#" then
      local c = split_tabs(line)
      assert(#c == 4, "bench_search.lua: expected 4 tab-separated columns: " .. line)
      local path = "/api/v1/search?q=" .. urlencode(c[4])
      if c[2] ~= "-" then path = path .. "&lang=" .. urlencode(c[2]) end
      if c[3] ~= "-" then path = path .. "&category=" .. urlencode(c[3]) end
      paths[#paths + 1] = path
    end
  end
  f:close()
  assert(#paths > 0, "bench_search.lua: no query in " .. queries_file)
  return paths
end

-- setup runs in the main state, once per thread before any starts: number the threads.
local thread_count = 0
function setup(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
end

local paths, next_index
function init(args)
  paths = load_paths()
  -- Thread i starts i x 0.618 of the way round the list (wrk runs LuaJIT: Lua 5.1, no // operator).
  local index = tonumber(thread_index) or 0
  next_index = math.floor(index * #paths * 0.618) % #paths
end

function request()
  next_index = next_index % #paths + 1
  return wrk.format("GET", paths[next_index])
end
