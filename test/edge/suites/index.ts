// Every edge suite, in the order they run on each runtime.
import type { Suite } from '../harness.js';
import { clientSuite } from './client.js';
import { constructEventSuite } from './construct-event.js';
import { fetchHandlerSuite } from './fetch-handler.js';
import { verifyEudrSuite } from './verify-eudr.js';
import { verifyNovatradeSuite } from './verify-novatrade.js';
import { verifyStandardSuite } from './verify-standard.js';

export const suites: readonly Suite[] = [
  verifyNovatradeSuite,
  verifyEudrSuite,
  verifyStandardSuite,
  constructEventSuite,
  fetchHandlerSuite,
  clientSuite,
];
