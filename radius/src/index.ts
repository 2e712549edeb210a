/**
 * @lanyard/radius: the RADIUS worker (UDP auth 1812, accounting 1813, CoA/Disconnect), reading the
 * tables and NOTIFY channels described in @lanyard/schema. The worker itself is built in the RADIUS
 * issue; this package already shares the contract it will be built against.
 */
export { NotifyChannel, SecretAad, Tables } from '@lanyard/schema';
