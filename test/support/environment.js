/**
 * Jest's Node environment, with one copy per worker of aws-cdk-lib's CloudFormation validator
 * (`@aws/cloudformation-validate`).
 *
 * Jest loads every module again for each test file. In a fresh copy of the validator the first
 * engine costs about 2.3 s of CPU, while its WebAssembly instance builds its resource schemas;
 * later engines cost 0.2 s. Loaded here, through Node's own module cache, the copy outlives the
 * test file, so a worker pays that once; `validator.js` hands it to aws-cdk-lib in each file.
 * Engines are built and used as before, and those a file leaves are freed when it ends: nothing
 * else is kept between files.
 *
 * The copy lives outside the test file's realm, and it accepts plain objects of its own realm
 * only, so the two calls aws-cdk-lib makes with objects (the engine's configuration and the
 * validation options, both JSON) get copies made here. A call this does not know would fail
 * loudly ("must contain only plain objects"), not pass unchecked.
 */
const path = require('path');
const { TestEnvironment } = require('jest-environment-node');

const VALIDATOR = require.resolve('@aws/cloudformation-validate', { paths: [path.dirname(require.resolve('aws-cdk-lib'))] });

/** A copy of a JSON value made in this realm. */
const here = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

/** Engines not yet freed. One left alive makes the next file's first engine cost 2.3 s again. */
const live = new Set();
let shared;
function validator() {
  if (!shared) {
    const real = require(VALIDATOR);
    class CompositeEngine extends real.CompositeEngine {
      constructor(config) { super(here(config)); live.add(this); }
      validateTemplate(template, options) { return super.validateTemplate(template, here(options)); }
      free() { live.delete(this); super.free(); }
    }
    shared = { ...real, CompositeEngine };
  }
  return shared;
}

class HaKitEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.__haKitValidator = { path: VALIDATOR, load: validator };
  }

  async teardown() {
    // The file's apps are gone with it; so are the engines they left.
    for (const engine of live) engine.free();
    await super.teardown();
  }
}

module.exports = HaKitEnvironment;
