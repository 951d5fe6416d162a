module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'permissions',
  rootDir: __dirname,
};
