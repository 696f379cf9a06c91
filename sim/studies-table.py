#!/usr/bin/env python3
"""Aggregates the multi-seed runs of sim/studies.sh into markdown tables for docs/INCENTIVES.md.

Usage: sim/studies-table.py OUT_DIR
OUT_DIR holds seed-<N>/<study>/ directories as written by `btspeed sim run --out` (one sub-directory per --vary
value, each with summary.csv, peers.csv and samples.csv; a run without --vary writes them to the study directory).

Every cell is "mean ± sd" over the seeds: the mean of the per-seed figure and its sample standard deviation
(n - 1). A study's paired changes are computed per seed (same seed, other variant) and then averaged, so the
seed-to-seed swing of the whole swarm cancels out; they also show the per-seed min..max.
"""
import csv
import math
import os
import re
import sys


def stats(xs):
    xs = [x for x in xs if x is not None and not math.isnan(x)]
    if not xs:
        return None
    m = sum(xs) / len(xs)
    sd = math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1)) if len(xs) > 1 else 0.0
    return m, sd, min(xs), max(xs), len(xs)


def fmt(xs, digits=1, thousands=False, scale=1.0):
    s = stats([x / scale for x in xs if x is not None])
    if s is None:
        return "–"
    m, sd, _, _, _ = s
    if thousands:
        return f"{m:,.0f} ± {sd:,.0f}".replace("-", "−")
    return f"{m:.{digits}f} ± {sd:.{digits}f}".replace("-", "−")


def fmt_range(xs, digits=1, pct=False):
    s = stats(xs)
    if s is None:
        return "–"
    m, sd, lo, hi, _ = s
    u = " %" if pct else ""
    sign = "+" if pct else ""
    return (f"{m:{sign}.{digits}f}{u} ± {sd:.{digits}f} ({lo:{sign}.{digits}f}..{hi:{sign}.{digits}f})").replace("-", "−")


def num(v):
    return float(v) if v not in ("", "NaN", None) else float("nan")


def variants(study_dir):
    """[(name, dir)] in the order of the --vary list (the order of the '== name' lines of summary.txt)."""
    order = []
    top = os.path.join(study_dir, "summary.txt")
    if os.path.exists(top):
        for line in open(top):
            mt = re.match(r"^== (.+)$", line.rstrip("\n"))
            if mt:
                order.append(mt.group(1))
    if not order:
        return [("-", study_dir)]
    return [(v, os.path.join(study_dir, v)) for v in order]


def summary(d):
    with open(os.path.join(d, "summary.csv")) as f:
        return {r["group"]: r for r in csv.DictReader(f)}


def samples(d):
    with open(os.path.join(d, "samples.csv")) as f:
        return list(csv.DictReader(f))


def load(out):
    """{study: {variant: {seed: dir}}}, variant order kept in {study: [variants]}."""
    data, order = {}, {}
    for sd in sorted(os.listdir(out)):
        mt = re.match(r"^seed-(\d+)$", sd)
        if not mt:
            continue
        seed = int(mt.group(1))
        for study in sorted(os.listdir(os.path.join(out, sd))):
            sdir = os.path.join(out, sd, study)
            if not os.path.isdir(sdir):
                continue
            vs = variants(sdir)
            order.setdefault(study, [v for v, _ in vs])
            for v, vd in vs:
                if os.path.exists(os.path.join(vd, "summary.csv")):
                    data.setdefault(study, {}).setdefault(v, {})[seed] = vd
    return data, order


def group_table(study, data, order):
    print(f"### {study}: per group (mean ± sd over seeds; n = seeds)\n")
    print("| variant | group | n | done | mean s | p10 s | p50 s | p90 s | max s | spent / peer | earned / peer | unpaid / peer | surplus / peer |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for v in order[study]:
        runs = data[study].get(v, {})
        sums = [summary(d) for d in runs.values()]
        if not sums:
            continue
        for g in sums[0]:
            rows = [s[g] for s in sums if g in s]
            if all(r["completed"] == "0" for r in rows):
                # the initial seed: only its earnings are interesting
                print(f"| {v} | {g} | {len(rows)} | – | – | – | – | – | – | – | {fmt([num(r['mean_earned']) for r in rows], thousands=True)} | – | – |")
                continue
            col = lambda k: [num(r[k]) for r in rows]
            done = fmt([num(r["completed"]) for r in rows], 1)
            print(f"| {v} | {g} | {len(rows)} | {done} of {rows[0]['peers']} | {fmt(col('mean_s'))} | {fmt(col('p10_s'))} | "
                  f"{fmt(col('p50_s'))} | {fmt(col('p90_s'))} | {fmt(col('max_s'))} | {fmt(col('mean_spent'), thousands=True)} | "
                  f"{fmt(col('mean_earned'), thousands=True)} | {fmt(col('mean_unpaid'), thousands=True)} | "
                  f"{fmt(col('mean_surplus'), thousands=True)} |")
    print()


def swarm_figures(d):
    """One run's whole-swarm figures: last leecher done, mean over all leechers, revenue (M), bidders' spent %."""
    with open(os.path.join(d, "peers.csv")) as f:
        peers = [p for p in csv.DictReader(f) if p["started_complete"] != "true"]
    done = [p for p in peers if p["completed_s"] != ""]
    bud = sum(num(p["budget"]) for p in peers if p["kind"] == "bidder")
    return {
        "last leecher done": max(num(p["completed_s"]) for p in done) if done else None,
        "mean over all leechers": sum(num(p["download_s"]) for p in done) / len(done) if done else None,
        "uploader revenue": sum(num(p["spent"]) for p in peers) / 1e6,
        "bidders' spent %": 100 * sum(num(p["spent"]) for p in peers if p["kind"] == "bidder") / bud if bud else None,
    }


def whole_swarm(study, data, order):
    """Per variant: slowest peer, uploader revenue (all payments), mean over every leecher."""
    print(f"### {study}: whole swarm\n")
    print("| variant | last leecher done s | mean over all leechers s | uploader revenue (all payments) M | spent / budget % (bidders) |")
    print("|---|---|---|---|---|")
    for v in order[study]:
        runs = data[study].get(v, {})
        last, allmean, revenue, frac = [], [], [], []
        for d in runs.values():
            with open(os.path.join(d, "peers.csv")) as f:
                peers = [p for p in csv.DictReader(f) if p["started_complete"] != "true"]
            times = [num(p["download_s"]) for p in peers if p["completed_s"] != ""]
            if times:
                last.append(max(num(p["completed_s"]) for p in peers if p["completed_s"] != ""))
                allmean.append(sum(times) / len(times))
            revenue.append(sum(num(p["spent"]) for p in peers) / 1e6)
            bud = sum(num(p["budget"]) for p in peers if p["kind"] == "bidder")
            if bud > 0:
                frac.append(100 * sum(num(p["spent"]) for p in peers if p["kind"] == "bidder") / bud)
        print(f"| {v} | {fmt(last)} | {fmt(allmean)} | {fmt(revenue, 2)} | {fmt(frac)} |")
    print()


def paired(study, data, order, base_study=None, base_variant=None):
    """Per group: change of the group's mean completion time against the baseline variant, per seed."""
    bs = base_study or study
    bv = base_variant or order[study][-1]
    label = bv if bs == study else f"{bs} {bv}"
    print(f"### {study}: change of each group's mean completion time vs {label} (paired by seed; mean ± sd (min..max))\n")
    print("| variant | group | change |")
    print("|---|---|---|")
    base = data[bs][bv]
    for v in order[study]:
        if bs == study and v == bv:
            continue
        runs = data[study].get(v, {})
        groups = None
        ch = {}
        for seed, d in sorted(runs.items()):
            if seed not in base:
                continue
            s, b = summary(d), summary(base[seed])
            groups = groups or list(s)
            for g in s:
                if g in b and s[g]["mean_s"] and b[g]["mean_s"]:
                    ch.setdefault(g, []).append(100 * (num(s[g]["mean_s"]) / num(b[g]["mean_s"]) - 1))
        for g in groups or []:
            if g in ch:
                print(f"| {v} | {g} | {fmt_range(ch[g], 1, pct=True)} |")
        sw = {}
        for seed, d in sorted(runs.items()):
            if seed not in base:
                continue
            a, b = swarm_figures(d), swarm_figures(base[seed])
            for k in a:
                if a[k] is not None and b[k]:
                    sw.setdefault(k, []).append(100 * (a[k] / b[k] - 1))
        for k, xs in sw.items():
            print(f"| {v} | *{k}* | {fmt_range(xs, 1, pct=True)} |")
    print()


def churn(study, data, order):
    print(f"### {study}: availability (mean ± sd over seeds; per-seed values in brackets)\n")
    print("| variant | time with a full copy % | mean seeds present | leechers completed | file lost at s (first sample without a full copy) |")
    print("|---|---|---|---|---|")
    for v in order[study]:
        runs = data[study].get(v, {})
        full, seeds_, done, lost = [], [], [], []
        per = []
        for seed, d in sorted(runs.items()):
            ss = samples(d)
            full.append(100 * sum(1 for r in ss if r["full_copy"] == "true") / len(ss))
            seeds_.append(sum(num(r["seeds"]) for r in ss) / len(ss))
            done.append(num(ss[-1]["completed_total"]))
            lo = next((num(r["t_s"]) for r in ss if r["full_copy"] != "true"), None)
            lost.append(lo)
            per.append(f"s{seed}: {full[-1]:.1f} %, {seeds_[-1]:.1f} seeds, {done[-1]:.0f} done, lost {'never' if lo is None else f'{lo:.0f}'}")
        lost_known = [x for x in lost if x is not None]
        never = sum(1 for x in lost if x is None)
        lost_s = (fmt(lost_known, 0) if lost_known else "–") + (f" ({never} seeds never lost)" if never else "")
        print(f"| {v} | {fmt(full)} | {fmt(seeds_)} | {fmt(done)} | {lost_s} |")
        print(f"|   | {'; '.join(per)} | | | |")
    print()


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/btspeed-studies"
    data, order = load(out)
    seeds = sorted({s for st in data.values() for v in st.values() for s in v})
    print(f"<!-- sim/studies-table.py {out}: seeds {seeds[0]}..{seeds[-1]} ({len(seeds)}) -->\n")
    for study in sorted(data):
        group_table(study, data, order)
        whole_swarm(study, data, order)
        if "churn" in study:
            churn(study, data, order)
        if len(order[study]) > 1:
            paired(study, data, order)
        if study == "4-free-slots" and "1-flash-crowd" in data:
            paired(study, data, order, "1-flash-crowd", "market.paidSlots=0")


if __name__ == "__main__":
    main()
