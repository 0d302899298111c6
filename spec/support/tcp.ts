import { NodeTcp } from '../../adapters/node-tcp';

/** The NodeTcp factory that specs open loopback connections with. */
export const tcp = new NodeTcp();
