/* global jest */
// aws-cdk-lib's CloudFormation validator: the worker's one copy (see environment.js).
const { path, load } = globalThis.__haKitValidator;
jest.mock(path, () => load());
