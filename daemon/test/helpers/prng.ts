// One seeded generator for the tests that pick at random (chaos, fuzz): the
// seed is printed, and the same seed replays the same sequence. It is the
// line-card simulator's mulberry32, not a second copy.
export { prng } from '../../../hardware/src/sim/serial/line-card-sim.js';
