module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'portal',
  rootDir: __dirname,
};
