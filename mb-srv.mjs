import http from 'node:http';
const ddb = JSON.stringify({ Responses: { t: [] }, UnprocessedKeys: {}, UnprocessedItems: {}, Items: [], Count: 0 });
const srv = http.createServer((req, res) => { req.resume(); req.on('end', () => {
  if (req.headers['x-amz-target']) { res.writeHead(200, {'content-type':'application/x-amz-json-1.0'}); res.end(ddb); }
  else { res.writeHead(200, { etag: '"abc"' }); res.end(); } }); });
srv.listen(0, '127.0.0.1', () => console.log(srv.address().port));
