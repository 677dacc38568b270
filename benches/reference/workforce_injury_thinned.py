#!/usr/bin/python3
"""Thinned numpy reference of reformsim's workforce injury model: claims by kind, not one by one.

The same model, inputs and outputs as workforce_injury_numpy.py (it imports that file's scenario
reading, per-path draws, run-off and payment code), written the way an analyst who knows the
Poisson process writes it. A department-year's claims split into kinds: medical-only or lost
time, x not disputed / litigated / settled by ADR (ADR only), x fraud caught or not, x wellness
participant or not (wellness only). Each kind's count is its own Poisson draw at the cell's
mean x P(kind): exact, since independent marking thins a Poisson process into independent
Poisson processes (the negative binomial's gamma is drawn once per cell first, so it holds
conditionally), and a safety-prevented claim is one more thinning. Then only the continuous draws
each kind needs: a medical cost for every claim, lost days for lost-time claims and a legal cost
for litigated ones, as normal deviates in one buffer laid out by region (medical of medical-only
claims, medical of lost-time claims, lost days, legal costs: one mu and sigma a region), the
spliced Pareto tail written into the lost-time medical region as a log (a deviate above the
threshold's picks the tail, then a fresh Pareto draw: the mixture it is), exponentiated in place
and summed per (cell, kind) with np.add.reduceat. Everything a kind changes (litigation's and
ADR's multipliers, wellness, fraud caught) multiplies those sums per (cell, kind).

Prints the JSON of workforce_injury_numpy.py:

    /usr/bin/python3 benches/reference/workforce_injury_thinned.py SCENARIO [--paths N]
                     [--option NAME]
Run it on one core: OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 (compare.py does).
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import workforce_injury_numpy as ref  # noqa: E402


def segment_sums(values, counts):
    """Per segment (consecutive `counts[i]` values, counts may be 0) the sum of `values`."""
    out = np.zeros(counts.size)
    nonempty = np.flatnonzero(counts)
    if nonempty.size:
        starts = np.cumsum(counts) - counts
        out[nonempty] = np.add.reduceat(values, starts[nonempty])
    return out


def simulate_batch(p, sim, factors_model, rng, paths):
    """Per metric a (paths, horizon) array for `paths` paths of one option, by kind of claim."""
    x = ref.PathInputs(p, sim, factors_model, rng, paths)
    H, D = x.H, x.D
    st = x.strength
    one = np.ones((paths, D, H))
    # Axes of a cell's kinds: lost (2) x dispute (none, litigated[, settled]) x caught (2)
    # x wellness participant (2 with wellness, else 1).
    has_adr, has_well = "adr" in p.reforms, "wellness" in p.reforms
    V = 3 if has_adr else 2
    Wk = 2 if has_well else 1
    lost_share = p.lost_share[None, :, None]
    p_lost = np.stack([1.0 - lost_share * one, lost_share * one], axis=-1)      # (P, D, H, 2)
    settle = 1.0 - st["adr"][0] if has_adr else one           # P(litigated | disputed)
    p_lit = np.array(p.p_lit)
    disputes = [1.0 - p_lit * one[..., None], p_lit * settle[..., None]]
    if has_adr:
        disputes.append(p_lit * (1.0 - settle)[..., None])
    p_dispute = np.stack(disputes, axis=-1)                                     # (P, D, H, 2, V)
    g = st["fraud_analytics"][0] if "fraud_analytics" in p.reforms else 0.0
    caught = p.fraud * (p.detect + g * (1.0 - p.detect)) * one
    p_caught = np.stack([1.0 - caught, caught], axis=-1)                        # (P, D, H, 2)
    if has_well:
        part = x.on("wellness", p) * p.reforms["wellness"]["participation"] * one
        p_well = np.stack([1.0 - part, part], axis=-1)                          # (P, D, H, 2)
    else:
        p_well = one[..., None]
    mean = x.mean
    if "safety" in st:  # prevented claims are gone; a presumption-class claim never is
        mean = mean * (1.0 - st["safety"][0] * (1.0 - x.pres[:, :, None]))
    prob = (p_lost[..., :, None, None, None] * p_dispute[..., :, :, None, None]
            * p_caught[..., None, None, :, None] * p_well[..., None, None, None, :])
    N = rng.poisson(mean[..., None, None, None, None] * prob)            # (P, D, H, 2, V, 2, Wk)

    # One buffer of normal deviates, by region: medical (medical-only claims), medical (lost
    # time), lost days (lost time), legal (litigated); within a region, by (cell, kind).
    regions = [N[..., 0, :, :, :].ravel(), N[..., 1, :, :, :].ravel(),
               N[..., 1, :, :, :].ravel(), N[..., :, 1, :, :].ravel()]
    params = [p.med[0][1:], p.med[1][1:], p.days[1:], p.legal[1:]]
    sizes = [int(r.sum()) for r in regions]
    ends = np.cumsum(sizes)
    z = rng.standard_normal(int(ends[-1]))
    for (mu, sigma), e, n in zip(params, ends, sizes):
        seg = z[e - n:e]
        seg *= sigma
        seg += mu
    if p.tail:  # lost-time medical: a deviate above the threshold's picks the Pareto tail
        thr, shape, _, _ = p.tail
        lost_med = z[ends[0]:ends[1]]
        ti = np.flatnonzero(lost_med > np.log(thr))
        lost_med[ti] = np.log(thr) - np.log(rng.random(ti.size)) / shape
    np.exp(z, out=z)
    counts = np.concatenate(regions)
    sums = segment_sums(z, counts)
    cut = np.cumsum([r.size for r in regions])
    med = np.stack([sums[:cut[0]].reshape(N[..., 0, :, :, :].shape),
                    sums[cut[0]:cut[1]].reshape(N[..., 1, :, :, :].shape)], axis=3)
    days = sums[cut[1]:cut[2]].reshape(N[..., 1, :, :, :].shape)            # (P, D, H, V, 2, Wk)
    legal = sums[cut[2]:].reshape(N[..., :, 1, :, :].shape)                 # (P, D, H, 2, 2, Wk)

    # Multipliers per (cell, dispute state) and (cell, participation).
    keep = 1.0 - x.causal[:, None, None]                    # what an ADR settlement keeps
    med_dispute = [one, p.k_sev * one] + ([1.0 + (p.k_sev - 1.0) * keep * one] if has_adr else [])
    shorten = 1.0 - st["adr"][1] if has_adr else one
    days_dispute = ([one, p.k_dur * shorten]
                    + ([1.0 + (p.k_dur - 1.0) * keep * one] if has_adr else []))
    med_well = [one] + ([1.0 - st["wellness"][0]] if has_well else [])
    days_well = [one] + ([1.0 - st["wellness"][1]] if has_well else [])
    med_mult = (np.stack(med_dispute, -1)[..., :, None] * np.stack(med_well, -1)[..., None, :])
    days_mult = (np.stack(days_dispute, -1)[..., :, None]
                 * np.stack(days_well, -1)[..., None, :])                    # (P, D, H, V, Wk)
    S = x.S[:, None, None]
    SM, SW = S * x.M[:, None, :], S * x.W[:, None, :]                        # (P, 1, H)
    # Per (cell, caught): sums over lost, dispute and participation.
    medical = np.einsum("pdhlvcw,pdhvw->pdhc", med, med_mult) * SM[..., None]
    lost_days = np.einsum("pdhvcw,pdhvw->pdhc", days, days_mult)
    legal_sum = legal.sum(axis=(3, 5)) * x.W[:, None, :, None]
    indemnity = lost_days * (p.daily[None, :, None, None] * SW[..., None])
    continuation = lost_days * (p.continuation[None, :, None, None] * SW[..., None])
    n_caught = N.sum(axis=(3, 4, 6))                                          # (P, D, H, 2)

    def year(a, c):  # (P, D, H, 2) -> (P, H), caught c
        return a[..., c].sum(axis=1)

    out = {
        "claims": N.sum(axis=(1, 3, 4, 5, 6)).astype(float),
        "lost_days": year(lost_days, 0),
        "litigated_claims": N[..., 1, 0, :].sum(axis=(1, 3, 4)).astype(float),
        "fraud_caught_claims": year(n_caught, 1).astype(float),
        "medical_incurred_usd": year(medical, 0),
        "indemnity_incurred_usd": year(indemnity, 0),
        "legal_incurred_usd": year(legal_sum, 0),
        "fraud_cost_avoided_usd": year(medical + indemnity + legal_sum, 1),
        "salary_continuation_usd": year(continuation, 0),
    }
    admin = np.zeros((paths, H))
    if has_adr:  # every dispute in an ADR department-year, litigated or settled, caught or not
        a = p.reforms["adr"]
        disputed = N[..., 1:, :, :].sum(axis=(3, 4, 5, 6))                    # (P, D, H)
        admin = (disputed * x.on("adr", p)[None]).sum(axis=1) * a["admin"] * x.W
    return ref.finish(p, x, out, admin)


if __name__ == "__main__":
    ref.main(simulate_batch, __doc__, batch_paths=32)
