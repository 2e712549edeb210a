import { gql, type TypedDocumentNode } from '@apollo/client';

// Hand-written types for the operations this app uses, checked against schema/schema.graphql.
// They move to generated typed documents in @lanyard/schema once codegen lands there.

export type AdminRole = 'OWNER' | 'ADMIN' | 'LOCATION_MANAGER' | 'VIEWER';

export interface AdminSummary {
  __typename?: 'AdminUser';
  id: string;
  email: string;
  role: AdminRole;
}

export interface LocationRow {
  __typename?: 'Location';
  id: string;
  name: string;
  slug: string;
  timezone: string;
  ssids: string[];
  portalUrl: string;
}

interface Credentials {
  input: { email: string; password: string };
}

export const SETUP_STATUS: TypedDocumentNode<
  { setupStatus: { needsSetup: boolean } },
  Record<string, never>
> = gql`
  query SetupStatus {
    setupStatus {
      needsSetup
    }
  }
`;

export const CURRENT_ADMIN: TypedDocumentNode<{ currentAdmin: AdminSummary }, Record<string, never>> = gql`
  query CurrentAdmin {
    currentAdmin {
      id
      email
      role
    }
  }
`;

export const SETUP_FIRST_ADMIN: TypedDocumentNode<{ setupFirstAdmin: { admin: AdminSummary } }, Credentials> =
  gql`
    mutation SetupFirstAdmin($input: SetupFirstAdminInput!) {
      setupFirstAdmin(input: $input) {
        admin {
          id
          email
          role
        }
      }
    }
  `;

export const LOGIN: TypedDocumentNode<{ login: { admin: AdminSummary } }, Credentials> = gql`
  mutation Login($input: LoginInput!) {
    login(input: $input) {
      admin {
        id
        email
        role
      }
    }
  }
`;

export const LOGOUT: TypedDocumentNode<{ logout: boolean }, Record<string, never>> = gql`
  mutation Logout {
    logout
  }
`;

export const LOCATIONS: TypedDocumentNode<{ locations: LocationRow[] }, Record<string, never>> = gql`
  query Locations {
    locations {
      id
      name
      slug
      timezone
      ssids
      portalUrl
    }
  }
`;

export interface CreateLocationVars {
  input: { name: string; slug: string; timezone: string; ssids: string[] };
}

export const CREATE_LOCATION: TypedDocumentNode<
  { createLocation: { location: LocationRow } },
  CreateLocationVars
> = gql`
  mutation CreateLocation($input: CreateLocationInput!) {
    createLocation(input: $input) {
      location {
        id
        name
        slug
        timezone
        ssids
        portalUrl
      }
    }
  }
`;
