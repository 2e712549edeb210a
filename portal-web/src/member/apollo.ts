import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { csrfHeaders } from '../cookies';

/** The member session is the HttpOnly cookie; every request echoes the CSRF cookie (read each time). */
const csrfLink = new ApolloLink((operation, forward) => {
  operation.setContext(({ headers }: { headers?: Record<string, string> }) => ({
    headers: { ...headers, ...csrfHeaders() },
  }));
  return forward(operation);
});

export function createApolloClient(): ApolloClient {
  return new ApolloClient({
    link: ApolloLink.from([csrfLink, new HttpLink({ uri: '/graphql', credentials: 'include' })]),
    cache: new InMemoryCache(),
  });
}
