// Resolves the workspace aliases (@gatehouse/*) of compiled code in dist/ at run
// time: `node -r ./tools/runtime/register-paths.js dist/apps/<app>/src/main.js`.
const path = require('node:path');
const { register } = require('tsconfig-paths');
const { compilerOptions } = require('../../tsconfig.base.json');

const paths = {};
for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
  paths[alias] = [target.replace(/\.ts$/, '.js')];
}
register({ baseUrl: path.join(__dirname, '..', '..', 'dist'), paths });
