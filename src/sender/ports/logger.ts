// The logger port is shared by the sender and the receiver: src/logging/logger.ts.
export type { Logger } from '../../logging/logger.js';
