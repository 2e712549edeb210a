import { gql, type TypedDocumentNode } from '@apollo/client';
import type { PortalAccess } from '../access';
import type { PortalLocation } from '../magic-link';

// Hand-written types for the portal operations (PORTAL-CONTRACT.md), checked against
// schema/schema.graphql by the API's schema test once the operations exist there.

export interface PortalDevice {
  __typename?: 'PortalDevice';
  id: string;
  macAddress: string;
  name: string | null;
  learnedBy: string;
  firstSeenAt: string | null;
  lastSeenAt: string | null;
}

export interface PortalMe {
  email: string;
  fullName: string;
  username: string;
  location: PortalLocation;
  timezone: string;
  access: PortalAccess;
  hasPassphrase: boolean;
  passphraseUpdatedAt: string | null;
  devices: PortalDevice[];
}

type NoVars = Record<string, never>;

const DEVICE_FIELDS = 'id macAddress name learnedBy firstSeenAt lastSeenAt';

export const ME: TypedDocumentNode<{ me: PortalMe | null }, NoVars> = gql`
  query PortalMe {
    me {
      email
      fullName
      username
      location { name slug ssids logoUrl primaryColor accentColor }
      timezone
      access { state reason grantKind validUntil endedAt }
      hasPassphrase
      passphraseUpdatedAt
      devices { ${DEVICE_FIELDS} }
    }
  }
`;

export const MY_PASSPHRASE: TypedDocumentNode<{ myPassphrase: string }, NoVars> = gql`
  query MyPassphrase {
    myPassphrase
  }
`;

export const ROTATE_MY_PASSPHRASE: TypedDocumentNode<{ rotateMyPassphrase: { passphrase: string } }, NoVars> =
  gql`
    mutation RotateMyPassphrase {
      rotateMyPassphrase {
        passphrase
      }
    }
  `;

export const SET_MY_PASSPHRASE: TypedDocumentNode<
  { setMyPassphrase: { passphrase: string } },
  { passphrase: string }
> = gql`
  mutation SetMyPassphrase($passphrase: String!) {
    setMyPassphrase(passphrase: $passphrase) {
      passphrase
    }
  }
`;

export interface PassphraseCheck {
  acceptable: boolean;
  score: number;
  problems: string[];
}

export const CHECK_PASSPHRASE: TypedDocumentNode<
  { checkPassphrase: PassphraseCheck },
  { passphrase: string }
> = gql`
  query CheckPassphrase($passphrase: String!) {
    checkPassphrase(passphrase: $passphrase) {
      acceptable
      score
      problems
    }
  }
`;

export const ADD_MY_DEVICE: TypedDocumentNode<
  { addMyDevice: PortalDevice },
  { input: { macAddress: string; name?: string | null } }
> = gql`
  mutation AddMyDevice($input: AddMyDeviceInput!) {
    addMyDevice(input: $input) { ${DEVICE_FIELDS} }
  }
`;

export const REMOVE_MY_DEVICE: TypedDocumentNode<{ removeMyDevice: boolean }, { deviceId: string }> = gql`
  mutation RemoveMyDevice($deviceId: ID!) {
    removeMyDevice(deviceId: $deviceId)
  }
`;

export type ProfileKind = 'APPLE_MOBILECONFIG' | 'WINDOWS_WLAN_XML';

export const CREATE_PROFILE_DOWNLOAD: TypedDocumentNode<
  { createProfileDownload: { url: string; expiresAt: string } },
  { kind: ProfileKind; ssid?: string | null }
> = gql`
  mutation CreateProfileDownload($kind: ProfileKind!, $ssid: String) {
    createProfileDownload(kind: $kind, ssid: $ssid) {
      url
      expiresAt
    }
  }
`;

export const LOGOUT_MEMBER: TypedDocumentNode<{ logoutMember: boolean }, NoVars> = gql`
  mutation LogoutMember {
    logoutMember
  }
`;
