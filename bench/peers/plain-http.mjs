// The peer of POST /api/v1/authorize: a bare node:http JSON server that reads the body, parses it
// and answers a JSON object of the same shape. Run by bench/run.bench.ts as its own process.
import { createServer } from "node:http";

const server = createServer((req, res) => {
  let data = "";
  req.on("data", (c) => {
    data += c;
  });
  req.on("end", () => {
    let parsed;
    try {
      parsed = JSON.parse(data);
    } catch {
      res.writeHead(400, { "content-type": "application/json" });
      res.end('{"error":"not JSON"}');
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ allowed: true, role: "owner", reason: `${parsed.email}` }));
  });
});
server.listen(Number(process.env.PORT), "127.0.0.1");
