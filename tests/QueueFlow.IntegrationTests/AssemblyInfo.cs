// The test classes share one PostgreSQL database and one broker virtual host: a relay in one class
// would take outbox rows another class is asserting on, so the classes run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
