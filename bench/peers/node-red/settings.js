// Node-RED settings for bench/peers/run: listen on loopback only, no editor authentication
// (nothing else can reach it), no telemetry, update checks or diagnostics endpoint, and only
// warnings in the log so logging costs nothing under load. The port, the user directory and the
// flow file are given on the command line.
module.exports = {
    uiHost: "127.0.0.1",
    credentialSecret: false,
    telemetry: { enabled: false, updateNotification: false },
    diagnostics: { enabled: false, ui: false },
    logging: { console: { level: "warn", metrics: false, audit: false } },
};
