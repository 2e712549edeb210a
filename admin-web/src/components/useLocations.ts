import { useQuery } from '@apollo/client/react';
import { GROUPS, LOCATIONS } from '../graphql';

/** Locations and groups as Select options (the API already limits them to the admin's scope). */
export function useLocationOptions() {
  const { data } = useQuery(LOCATIONS);
  return (data?.locations ?? []).map((l) => ({ value: l.id, label: l.name }));
}
export function useGroupOptions() {
  const { data } = useQuery(GROUPS);
  return (data?.groups ?? []).map((g) => ({ value: g.id, label: g.name }));
}
