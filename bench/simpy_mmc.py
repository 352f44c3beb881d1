"""M/M/c in SimPy 3: the same model as bench/request-mmc.bench.ts (Poisson arrivals, exponential service,
c servers, FIFO). Prints one JSON line: customers served, mean wait, wall seconds of the simulation.

    python3 bench/simpy_mmc.py LAMBDA MU C CUSTOMERS SEED
"""
import json
import random
import sys
import time

import simpy


def main():
    lam, mu, c, n, seed = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    rng = random.Random(seed)
    env = simpy.Environment()
    servers = simpy.Resource(env, capacity=c)
    stats = {"served": 0, "wait": 0.0}

    def customer(env):
        arrive = env.now
        with servers.request() as req:
            yield req
            stats["wait"] += env.now - arrive
            yield env.timeout(rng.expovariate(mu))
        stats["served"] += 1

    def source(env):
        for _ in range(n):
            yield env.timeout(rng.expovariate(lam))
            env.process(customer(env))

    env.process(source(env))
    t0 = time.perf_counter()
    env.run()
    wall = time.perf_counter() - t0
    print(json.dumps({"served": stats["served"], "meanWait": stats["wait"] / max(1, stats["served"]), "seconds": wall}))


if __name__ == "__main__":
    main()
