// A real OpenID Connect provider for the tests: the npm package oidc-provider with its development
// sign-in pages, one confidential client that must use PKCE (S256), and the accounts given as JSON.
// Usage: node tests/oidc/provider.mjs PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI ACCOUNTS_JSON
import Provider from 'oidc-provider';

const [port, clientId, clientSecret, redirectUri, accountsJson] = process.argv.slice(2);
const accounts = JSON.parse(accountsJson);

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  pkce: { required: () => true },
  scopes: ['openid', 'profile', 'email', 'groups'],
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    email: ['email'],
    groups: ['groups'],
  },
  conformIdTokenClaims: false, // the claims in the ID token too, as many government providers send them
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['powerflow-test-cookie-key'] },
  async findAccount(ctx, id) {
    if (!accounts[id]) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...accounts[id] }; } };
  },
});
provider.listen(Number(port), '127.0.0.1', () => console.log(`listening on ${port}`));
