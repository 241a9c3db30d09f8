/** Simulation mode: the file in the data directory holding the token with which `callpoint sim press` reaches the running daemon. */
export const SIM_TOKEN_FILE = 'sim-control.token';
