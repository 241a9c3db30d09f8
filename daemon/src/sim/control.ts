/** Simulation mode: the file in the data directory holding the token with which `callpoint sim press` reaches the running daemon. */
export const SIM_TOKEN_FILE = 'sim-control.token';
/** Simulation mode with the embedded broker: central's private key, made on first start (0600), and its key id. */
export const SIM_CENTRAL_KEY_FILE = 'sim-central-key.pem';
export const SIM_CENTRAL_KEY_ID = 'sim-central';
