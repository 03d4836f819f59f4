import react from '@vitejs/plugin-react';
import { defaultClientConditions, defaultServerConditions, defineConfig, type Plugin } from 'vite';

// Workspace packages resolve to their TypeScript sources: the demo needs no build of the libraries.
const SOURCE = '@partialkit/source';

/** Mounts `server/api.ts` at /api/extract, loaded through Vite so it runs from TypeScript sources. */
function api(): Plugin {
  return {
    name: 'partialkit-demo-api',
    configureServer(server) {
      server.middlewares.use('/api/extract', (req, res, next) => {
        Promise.all([server.ssrLoadModule('/server/api.ts'), server.ssrLoadModule('@partialkit/server/node')])
          .then(([{ handleExtract }, { toNodeHandler }]) => toNodeHandler(handleExtract)(req, res))
          .catch(next);
      });
    },
  };
}

export default defineConfig({
  plugins: [react(), api()],
  resolve: { conditions: [SOURCE, ...defaultClientConditions] },
  ssr: {
    resolve: { conditions: [SOURCE, ...defaultServerConditions], externalConditions: [SOURCE] },
    noExternal: [/^@partialkit\//],
  },
  server: { fs: { allow: ['../..'] } },
});
