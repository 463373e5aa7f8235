import '@lantern/backend-cpu';
import { describeConformance, describeGradChecks } from './index.js';

// The reference backend runs every case: no exclusions.
describeConformance('cpu');
describeGradChecks('cpu');
