// The server as a library: start a standalone Meerkat inside your own process.
export { startServer, type RunningServer, type StartServerOptions } from './server.ts';
export {
  ConfigError,
  configFromOptions,
  loadZooCfgFile,
  parseZooCfg,
  type ServerConfig,
  type ServerConfigInput,
} from './config.ts';
export { fullVersion } from './version.ts';
