// TorchSharp's global generator drives dropout and initialisation; tests that check seeded
// determinism must not share it with tests running at the same time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
