"""The models of a Distill results file as one flat list, whatever its shape.

results.json and experiment.json hold one result: members, teacher, unpaired models (train's,
distill's student), then per seed and point a scratch and a distilled student and a chain's others.
Run folders from before that keep a flat "models" list, returned as it is.
"""


def models(result):
    if "models" in result:
        return result["models"]
    flat = list(result.get("members", []))
    if result.get("teacher"):
        flat.append(result["teacher"])
    flat += result.get("unpaired", [])
    seen = {m["weightsPath"] for m in flat}
    for run in result.get("runs", []):
        for model in [run["scratch"], run["distilled"], *run.get("others", [])]:
            if model["weightsPath"] not in seen:
                seen.add(model["weightsPath"])
                flat.append(model)
    return flat
