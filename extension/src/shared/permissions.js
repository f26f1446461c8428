// The origins the extension needs (its server and the digest sites): Firefox grants host
// permissions only when the reader agrees, so the options and onboarding pages ask for them.
import { ext } from "./messaging.js";

export const neededOrigins = () => {
  const manifest = ext.runtime.getManifest();
  return [...manifest.host_permissions, ...manifest.content_scripts.flatMap((script) => script.matches)];
};
