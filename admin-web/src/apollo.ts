import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { createClient } from 'graphql-ws';
import { CSRF_COOKIE, CSRF_HEADER, readCookie } from './cookies';

/**
 * Cookie-authenticated requests must echo the `lanyard_csrf` cookie in a header (double submit);
 * read it on every request, since login and logout change it.
 */
const csrfLink = new ApolloLink((operation, forward) => {
  const token = readCookie(document.cookie, CSRF_COOKIE);
  if (token) {
    operation.setContext(({ headers }: { headers?: Record<string, string> }) => ({
      headers: { ...headers, [CSRF_HEADER]: token },
    }));
  }
  return forward(operation);
});

/** ws(s)://<this host>/graphql: the browser sends the session cookie, since the page is ours. */
export function webSocketUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
}

const isSubscription = ({ query }: ApolloLink.Operation): boolean => {
  const def = getMainDefinition(query);
  return def.kind === 'OperationDefinition' && def.operation === 'subscription';
};

export function createApolloClient(): ApolloClient {
  // Subscriptions (live sync logs) go over graphql-ws; the socket opens on first use only.
  const ws = createClient({ url: webSocketUrl(window.location), lazy: true, retryAttempts: 5 });
  const httpLink = ApolloLink.from([csrfLink, new HttpLink({ uri: '/graphql', credentials: 'same-origin' })]);
  const client = new ApolloClient({
    link: ApolloLink.split(isSubscription, new GraphQLWsLink(ws), httpLink),
    cache: new InMemoryCache(),
  });
  // The socket authenticated with the cookie it opened with: after sign-in/out, open a new one.
  client.onResetStore(async () => ws.terminate());
  return client;
}
