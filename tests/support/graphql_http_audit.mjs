// Run graphql-http's GraphQL-over-HTTP server audits against a URL.
// Usage: node tests/support/graphql_http_audit.mjs http://127.0.0.1:8000/graphql/
// Prints one JSON array on stdout: {id, name, status, reason?, response?} per
// audit, where status is "ok", or for failures "error" (MUST), "warn"
// (SHOULD) or "notice" (MAY). tests/system/test_graphql_http_audit.py reads it.
import { auditServer } from "graphql-http";

const url = process.argv[2];
if (!url) {
  process.stderr.write("usage: graphql_http_audit.mjs URL\n");
  process.exit(2);
}

async function describe(response) {
  if (!response) return undefined;
  let body;
  try {
    body = await response.clone().text();
  } catch {
    body = "(body already read by the audit)";
  }
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    body: body.slice(0, 500),
  };
}

const results = await auditServer({ url, fetchFn: fetch });
const report = [];
for (const result of results) {
  const { id, name, status, reason } = result;
  report.push({ id, name, status, reason, response: await describe(result.response) });
}
process.stdout.write(JSON.stringify(report));
