"""``torch.utils.data``: datasets and the loader that cuts them into minibatches.

``DataLoader(TensorDataset(X, y), batch_size, shuffle=True)`` yields ``[X_batch, y_batch]``
lists, as PyTorch's does, in a new random order each epoch drawn from gradcli's generator
(:func:`gradcli.manual_seed`) or from ``generator=``. Loading runs in this process:
``num_workers`` is accepted and changes nothing but the speed PyTorch would have.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from gradcli.autograd.creation import Generator, drawn_from, tensor
from gradcli.autograd.ops import stack
from gradcli.autograd.tensor import Tensor
from gradcli.errors import ArgumentTypeError, DimensionError, SettingError, ShapeMismatchError

__all__ = ["DataLoader", "Dataset", "TensorDataset", "default_collate"]


class Dataset:
    """A map-style dataset: subclass it and write ``__getitem__`` (and ``__len__``)."""

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} is missing its __getitem__ method")


class TensorDataset(Dataset):
    """Samples made of the rows of tensors with the same first dimension:
    ``TensorDataset(X, y)[i]`` is ``(X[i], y[i])``."""

    def __init__(self, *tensors: Tensor):
        if not tensors:
            raise ArgumentTypeError("TensorDataset takes one tensor or more: TensorDataset(X, y)")
        for position, item in enumerate(tensors):
            if not isinstance(item, Tensor):
                raise ArgumentTypeError(
                    f"TensorDataset takes tensors, and argument {position} is a "
                    f"{type(item).__name__}; write torch.tensor(...) around it"
                )
            if item.ndim == 0:
                raise DimensionError(
                    f"TensorDataset: argument {position} is a 0-d tensor, which has no rows"
                )
        rows = [item.shape[0] for item in tensors]
        if len(set(rows)) > 1:
            raise ShapeMismatchError(
                f"Size mismatch between tensors: TensorDataset's tensors must have the same "
                f"number of rows (first dimension), not {rows}"
            )
        self.tensors = tensors

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        return tuple(item[index] for item in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]


def default_collate(batch: Sequence[Any]) -> Any:
    """Samples into one batch, as PyTorch's ``default_collate``: tensors stacked along a new
    first dimension, numbers into a tensor, and tuples, lists and dicts element by element
    (a batch of tuples gives a list)."""
    first = batch[0]
    if isinstance(first, Tensor):
        return stack(batch)
    if isinstance(first, np.ndarray):
        return stack([tensor(item) for item in batch])
    if isinstance(first, (bool, int, float, np.number, np.bool_)):
        return tensor(batch)
    if isinstance(first, (str, bytes)):
        return list(batch)
    if isinstance(first, Mapping):
        return {key: default_collate([sample[key] for sample in batch]) for key in first}
    if isinstance(first, Sequence):
        if len({len(sample) for sample in batch}) > 1:
            raise ShapeMismatchError("each element in list of batch should be of equal size")
        return [default_collate(list(column)) for column in zip(*batch)]
    raise ArgumentTypeError(
        "default_collate: a batch holds tensors, numpy arrays, numbers, strings, dicts or "
        f"lists, not {type(first).__name__}"
    )


class DataLoader:
    """Minibatches of a dataset: ``for X, y in DataLoader(dataset, batch_size, shuffle=True)``.

    ``shuffle`` draws a new order at the start of each pass; ``drop_last`` leaves out a last
    batch shorter than ``batch_size``; ``batch_size=None`` yields the samples one by one.
    """

    def __init__(
        self,
        dataset: Any,
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        *,
        num_workers: int = 0,
        collate_fn: Callable[[list[Any]], Any] | None = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        generator: Generator | None = None,
    ):
        if batch_size is not None and (
            isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size <= 0
        ):
            raise SettingError(
                f"batch_size should be a positive integer value, but got batch_size={batch_size}"
            )
        if not isinstance(num_workers, int) or num_workers < 0:
            raise SettingError(f"num_workers should be a whole number >= 0, not {num_workers}")
        if not hasattr(dataset, "__getitem__") or not hasattr(dataset, "__len__"):
            raise ArgumentTypeError(
                f"DataLoader takes a dataset with __getitem__ and __len__ (a TensorDataset, a "
                f"list of samples), not {type(dataset).__name__}"
            )
        if generator is not None and not isinstance(generator, Generator):
            raise ArgumentTypeError(
                f"generator= takes a gradcli.Generator, not {type(generator).__name__}"
            )
        self.dataset, self.batch_size, self.shuffle = dataset, batch_size, bool(shuffle)
        self.num_workers, self.pin_memory, self.drop_last = num_workers, pin_memory, drop_last
        self.collate_fn, self.generator = collate_fn, generator

    def __len__(self) -> int:
        if self.batch_size is None:
            return len(self.dataset)
        whole, rest = divmod(len(self.dataset), self.batch_size)
        return whole + (1 if rest and not self.drop_last else 0)

    def __iter__(self) -> Iterator[Any]:
        count = len(self.dataset)
        # As PyTorch's sampler does, the order is drawn when the first batch is asked for.
        order = drawn_from(self.generator).permutation(count) if self.shuffle else np.arange(count)
        if self.batch_size is None:
            for index in order:
                yield self.dataset[int(index)]
            return
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            yield self._batch(order[start : start + self.batch_size])

    def _batch(self, indices: np.ndarray) -> Any:
        if type(self.dataset) is TensorDataset and self.collate_fn is None:
            # The rows at once: the values default_collate's stack of rows would give.
            return [item[indices] for item in self.dataset.tensors]
        samples = [self.dataset[int(index)] for index in indices]
        return (self.collate_fn or default_collate)(samples)
