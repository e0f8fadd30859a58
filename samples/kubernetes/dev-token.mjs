// Prints an HS256 JWT for a participant, signed with JWT_SECRET, valid for an hour: a token to paste into the
// browser sample when the server runs with AUTH_MODE=jwt (deployment.yaml). Node's own crypto, no dependency.
//   JWT_SECRET=$(kubectl get secret session-agent-secrets -o jsonpath='{.data.JWT_SECRET}' | base64 -d) \
//     node dev-token.mjs alice
import { createHmac } from "node:crypto";

const participant = process.argv[2];
const secret = process.env.JWT_SECRET;
if (!participant || !secret) {
  console.error("usage: JWT_SECRET=... node dev-token.mjs <participantId>");
  process.exit(2);
}
const base64url = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
const now = Math.floor(Date.now() / 1000);
const unsigned = `${base64url({ alg: "HS256", typ: "JWT" })}.${base64url({ sub: participant, iat: now, exp: now + 3600 })}`;
const signature = createHmac("sha256", secret).update(unsigned).digest("base64url");
console.log(`${unsigned}.${signature}`);
