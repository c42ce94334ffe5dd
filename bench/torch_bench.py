"""PyTorch CPU contender for `npm run bench`, one thread, driven over stdin/stdout.

Each request is one JSON line {"task": {...}, "time": ms}; the reply is one JSON line
{"median_ms": m, "min_ms": best, "units": u} or {"error": text}. Models and data are built once per task
and kept, so the driver can interleave PyTorch with the JavaScript contenders.
"""
import json
import sys
import time

import torch

torch.set_num_threads(1)
torch.manual_seed(1)
ACTIVATIONS = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid, "linear": torch.nn.Identity}
cache = {}


def mlp(task):
    layers, acts = task["layers"], task["activations"]
    modules = []
    for i in range(len(layers) - 1):
        modules.append(torch.nn.Linear(layers[i], layers[i + 1]))
        # softmax is fused into CrossEntropyLoss, as wasm-mlp fuses it with its loss.
        if acts[i] != "softmax":
            modules.append(ACTIVATIONS[acts[i]]())
    model = torch.nn.Sequential(*modules)
    # torch.optim.Adam with torch's defaults (betas 0.9, 0.999, eps 1e-8), as wasm-mlp's Adam.
    if task.get("optimizer") == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=task["learningRate"])
    else:
        opt = torch.optim.SGD(model.parameters(), lr=task["learningRate"])
    count, batch, epochs = task["count"], task["batchSize"], task["epochs"]
    x = torch.rand(count, layers[0])
    if task["loss"] == "cross-entropy":
        y = torch.randint(0, layers[-1], (count,))
        loss_fn = torch.nn.CrossEntropyLoss()
    else:
        y = torch.rand(count, layers[-1])
        loss_fn = torch.nn.MSELoss()
    if task["mode"] == "step":
        # From Python lists every call, as step(X, Y) takes JS arrays.
        xl, yl = x.tolist(), y.tolist()

        def run():
            for _ in range(task["calls"]):
                opt.zero_grad()
                loss = loss_fn(model(torch.tensor(xl)), torch.tensor(yl))
                loss.backward()
                opt.step()
        return run, task["calls"]

    def run():
        for _ in range(epochs):
            order = torch.randperm(count)
            for start in range(0, count, batch):
                idx = order[start:start + batch]
                opt.zero_grad()
                loss = loss_fn(model(x[idx]), y[idx])
                loss.backward()
                opt.step()
    steps = epochs * -(-count // batch)
    return run, steps if task.get("unit") == "steps" else count * epochs


def gemm(task):
    m, k, n = task["m"], task["k"], task["n"]
    x, w, d = torch.rand(m, k), torch.rand(n, k), torch.rand(m, n)
    product = task["product"]
    if product == "forward":
        return (lambda: torch.matmul(x, w.t())), 1
    if product == "weightGradient":
        return (lambda: torch.matmul(d.t(), x)), 1
    return (lambda: torch.matmul(d, w)), 1


def measure(run, budget_ms):
    run()
    samples = []
    end = time.perf_counter() + budget_ms / 1000
    while time.perf_counter() < end or len(samples) < 3:
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return samples[len(samples) // 2], samples[0]


for line in sys.stdin:
    request = json.loads(line)
    try:
        task = request["task"]
        key = json.dumps(task, sort_keys=True)
        if key not in cache:
            cache[key] = gemm(task) if task["kind"] == "gemm" else mlp(task)
        run, units = cache[key]
        median_ms, min_ms = measure(run, request["time"])
        reply = {"median_ms": median_ms, "min_ms": min_ms, "units": units}
    except Exception as error:  # reported to the driver, which marks the cell failed
        reply = {"error": repr(error)}
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()
