"""Train a torch_geometric KGE model (TransE, RotatE, DistMult, ComplEx) on index triples.

Training uses each model's own loss with its negative sampling (one corrupted head or tail per
positive), Adam, and mini-batches in a seeded order: with the same seed, device and torch
version the losses and embeddings are the same run to run.

Examples
--------
>>> cfg = TrainConfig("TransE", epochs=5, dim=32, seed=0)
>>> model = make_model(cfg, num_entities=100, num_relations=3)   # needs torch  # doctest: +SKIP
>>> losses = train_model(model, split.train, cfg)                # doctest: +SKIP
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from medkg.errors import ConfigError

log = logging.getLogger(__name__)

#: Model names accepted by :func:`make_model` (``torch_geometric.nn.kge`` classes).
MODELS: tuple[str, ...] = ("TransE", "RotatE", "DistMult", "ComplEx")


@dataclass(frozen=True)
class TrainConfig:
    """Training settings. ``device=None`` picks CUDA when available, else CPU."""

    model: str
    epochs: int
    dim: int = 64
    batch_size: int = 1024
    lr: float = 0.01
    seed: int = 0
    margin: float = 1.0
    device: str | None = None

    def __post_init__(self) -> None:
        if self.model not in MODELS:
            raise ConfigError(f"unknown KGE model {self.model!r}", hint=f"choose from {', '.join(MODELS)}")
        if self.epochs < 0 or self.dim < 1 or self.batch_size < 1 or self.lr <= 0:
            raise ConfigError(
                "epochs must be >= 0, dim and batch size >= 1 and lr > 0",
                hint=f"got epochs={self.epochs} dim={self.dim} batch={self.batch_size} lr={self.lr}",
            )

    def resolved_device(self) -> str:
        import torch

        if self.device:
            return self.device
        return "cuda" if torch.cuda.is_available() else "cpu"


@dataclass
class TrainLog:
    """Mean loss and wall time of every epoch."""

    losses: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)


def seed_everything(seed: int) -> None:
    """Seed python, numpy and torch (CPU and CUDA) random generators."""
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def make_model(cfg: TrainConfig, num_entities: int, num_relations: int):
    """The ``torch_geometric.nn.kge`` model named by ``cfg.model``, on ``cfg``'s device.

    Examples
    --------
    >>> make_model(TrainConfig("DistMult", epochs=1), 10, 2)      # needs torch  # doctest: +SKIP
    DistMult(10, num_relations=2, hidden_channels=64)
    """
    import torch_geometric.nn.kge as kge

    cls = getattr(kge, cfg.model)
    if cfg.model == "ComplEx":
        model = cls(num_entities, num_relations, cfg.dim)
    else:
        model = cls(num_entities, num_relations, cfg.dim, margin=cfg.margin)
    return model.to(cfg.resolved_device())


def train_model(
    model,
    train: np.ndarray,
    cfg: TrainConfig,
    *,
    on_epoch: Callable[[int, float], None] | None = None,
) -> TrainLog:
    """Train ``model`` in place on ``(N, 3)`` index rows for ``cfg.epochs`` epochs.

    ``on_epoch(epoch, mean_loss)`` is called after every epoch (progress bars, logging).
    """
    import torch

    device = cfg.resolved_device()
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    rows = torch.as_tensor(train, dtype=torch.long, device=device)
    order = torch.Generator().manual_seed(cfg.seed)
    history = TrainLog()
    for epoch in range(cfg.epochs):
        start = time.perf_counter()
        model.train()
        perm = torch.randperm(len(rows), generator=order).to(device)
        total, seen = 0.0, 0
        for i in range(0, len(rows), cfg.batch_size):
            batch = rows[perm[i : i + cfg.batch_size]]
            optimizer.zero_grad()
            loss = model.loss(batch[:, 0], batch[:, 1], batch[:, 2])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
            seen += len(batch)
        mean = total / max(seen, 1)
        history.losses.append(mean)
        history.seconds.append(time.perf_counter() - start)
        log.debug("epoch %d loss %.5f (%.2f s)", epoch + 1, mean, history.seconds[-1])
        if on_epoch is not None:
            on_epoch(epoch + 1, mean)
    return history
