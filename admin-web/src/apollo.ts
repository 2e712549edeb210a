import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
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

export function createApolloClient(): ApolloClient {
  return new ApolloClient({
    link: ApolloLink.from([csrfLink, new HttpLink({ uri: '/graphql', credentials: 'same-origin' })]),
    cache: new InMemoryCache(),
  });
}
