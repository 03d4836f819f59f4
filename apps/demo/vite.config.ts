import react from '@vitejs/plugin-react';
import { defaultClientConditions, defaultServerConditions, defineConfig, type Plugin } from 'vite';

// Workspace packages resolve to their TypeScript sources: the demo needs no build of the libraries.
const SOURCE = '@partialkit/source';

/** Mounts `server/api.ts` at /api in the dev server, loaded through Vite so it runs from TypeScript sources. */
function api(): Plugin {
  return {
    name: 'partialkit-demo-api',
    configureServer(server) {
      const load = () =>
        Promise.all([
          server.ssrLoadModule('/server/api.ts'),
          server.ssrLoadModule('@partialkit/server/node'),
        ]);
      // Compile the route when the server starts, not on the first Extract (which would wait ~1.5 s).
      server.httpServer?.once('listening', () => void load().catch(() => {}));
      server.middlewares.use('/api', (req, res, next) => {
        load()
          .then(([{ API_BODY_LIMIT, handleApi }, { toNodeHandler }]) =>
            toNodeHandler(handleApi, { maxBodySize: API_BODY_LIMIT })(req, res),
          )
          .catch(next);
      });
    },
  };
}

export default defineConfig(({ isSsrBuild }) => ({
  plugins: [react(), api()],
  resolve: { conditions: [SOURCE, ...defaultClientConditions] },
  ssr: {
    resolve: { conditions: [SOURCE, ...defaultServerConditions], externalConditions: [SOURCE] },
    noExternal: [/^@partialkit\//],
  },
  server: { fs: { allow: ['../..'] } },
  build: isSsrBuild
    ? {
        outDir: 'dist/server',
        emptyOutDir: true,
        target: 'node20',
        rollupOptions: { input: 'server/main.ts' },
      }
    : { outDir: 'dist/client', emptyOutDir: true },
}));
