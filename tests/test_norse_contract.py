"""Norse 1.1.0's own tests of the feed-forward LIF, run with their imports swapped to lifteach.

The test files are read from the installed Norse (``norse/torch/module/test/test_lif.py`` and
``norse/torch/functional/test/test_lif.py``); every test that touches ``LIF``, ``LIFCell``, ``LIFParameters``,
the feed-forward step or its integral runs against lifteach's names. The recurrent cells are Norse's only, and
their tests are not part of the contract. Beside them: our own tests of the two behaviours those tests rely
on (a graph from rest, sparse input), written from the behaviour.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path
from typing import Any

import norse  # noqa: F401  # a missing Norse fails this module loudly
import pytest
import torch
from norse.torch.module.lif import LIF as NorseLIF
from norse.torch.module.lif import LIFCell as NorseLIFCell
from norse.torch.module.lif import LIFParameters as NorseParameters

import lifteach
import lifteach.lif
from lifteach import LIF, LIFCell, LIFParameters

NORSE = Path(importlib.util.find_spec("norse").origin).parent  # type: ignore[union-attr,arg-type]
SWAPPED = {
    "LIF": lifteach.LIF,
    "LIFCell": lifteach.LIFCell,
    "LIFParameters": lifteach.LIFParameters,
    "LIFFeedForwardState": lifteach.lif.LIFFeedForwardState,
    "lif_feed_forward_step": lifteach.lif.lif_feed_forward_step,
    "lif_feed_forward_integral": lifteach.lif.lif_feed_forward_integral,
    "lif_current_encoder": lifteach.lif.lif_current_encoder,
}
CONTRACT = {
    "torch/module/test/test_lif.py": [
        "test_lif_cell_feedforward",
        "test_lif_cell_feedforward_compile",
        "test_lif_in_time",
        "test_lif_feedforward_cell_backward",
        "test_lif_feedforward_layer",
        "test_lif_feedforward_layer_compile",
        "test_lif_feedforward_layer_backward",
        "test_lif_feedforward_layer_backward_iteration",
        "test_backward_model",
        "test_lif_datatype",
        "test_lif_params_non_tensor",
    ],
    "torch/functional/test/test_lif.py": [
        "test_lif_feed_forward_step",
        "test_lif_feed_forward_step_batch",
        "test_lif_feed_forward_step_compile",
        "test_lif_current_encoder",
        "test_lif_integral",
        "test_lif_integral_compile",
    ],
}


def norse_tests_with_lifteach(path: str) -> dict[str, Any]:
    """Norse's test module, executed with its own imports first and lifteach's names put over them."""
    source = (NORSE / path).read_text()
    tree = ast.parse(source)
    namespace: dict[str, Any] = {"__name__": f"norse_contract_{Path(path).parent.parent.name}"}
    imports = ast.Module(
        body=[n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)], type_ignores=[]
    )
    exec(compile(imports, path, "exec"), namespace)
    namespace.update({name: value for name, value in SWAPPED.items() if name in namespace})
    rest = ast.Module(
        body=[n for n in tree.body if not isinstance(n, ast.Import | ast.ImportFrom)], type_ignores=[]
    )
    exec(compile(rest, path, "exec"), namespace)
    return namespace


@pytest.mark.parametrize(
    ("path", "name"), [(path, name) for path, names in CONTRACT.items() for name in names]
)
def test_norses_own_test_passes_with_lifteach(path: str, name: str) -> None:
    namespace = norse_tests_with_lifteach(path)
    for swapped in ("LIF", "LIFCell", "LIFParameters", "lif_feed_forward_step", "lif_feed_forward_integral"):
        if swapped in namespace:
            assert namespace[swapped] is SWAPPED[swapped]
    namespace[name]()


def test_the_contract_names_every_feed_forward_test_of_norse() -> None:
    # A test Norse adds to these files is either in the contract or knowingly left out (recurrent cells,
    # the recurrent step).
    recurrent = {
        "test_lif_recurrent_cell",
        "test_lif_recurrent_cell_compile",
        "test_lif_recurrent_cell_autapses",
        "test_lif_recurrent_cell_no_autapses",
        "test_lif_recurrent_sequence",
        "test_lif_recurrent_cell_backward",
        "test_lif_recurrent_layer_backward_iteration",
        "test_lif_recurrent_layer_backward",
        "test_lif_cpp_back",
        "test_lif_heavi",
    }
    for path, names in CONTRACT.items():
        found = {n.name for n in ast.parse((NORSE / path).read_text()).body if isinstance(n, ast.FunctionDef)}
        assert found - recurrent == set(names)


# --- ours: a graph from rest -------------------------------------------------------------------------------------


def test_a_run_from_rest_carries_a_graph_as_norses_does() -> None:
    out, final = LIF()(torch.ones(10, 12))
    assert out.requires_grad and final.v.requires_grad
    out.sum().backward()  # Norse: "element 0 of tensors does not require grad" never happens
    with torch.no_grad():
        plain, _ = LIF()(torch.ones(10, 12))
    assert not plain.requires_grad and torch.equal(plain, out.detach())


def test_heaviside_spikes_carry_no_graph_as_in_norse() -> None:
    p = LIFParameters(method="heaviside")
    ours = LIF(p)(torch.ones(10, 3))
    theirs = NorseLIF(NorseParameters(method="heaviside"))(torch.ones(10, 3))
    assert ours[0].requires_grad == theirs[0].requires_grad
    assert ours[1].v.requires_grad and theirs[1].v.requires_grad


@pytest.mark.parametrize("method", ["super", "heaviside"])
def test_gradients_through_a_given_state_equal_norses(method: str) -> None:
    x = torch.rand(60, 5, generator=torch.Generator().manual_seed(4)) * 0.7
    start_v = torch.rand(5, generator=torch.Generator().manual_seed(5))
    grads = []
    for module in (
        LIF(LIFParameters(v_th=0.4, method=method), record_states=True),
        NorseLIF(NorseParameters(v_th=torch.as_tensor(0.4), method=method), record_states=True),
    ):
        v = start_v.clone().requires_grad_()
        i = torch.full((5,), 0.1, requires_grad=True)
        spikes, states = module(x, lifteach.LIFState(v=v, i=i))
        loss = states.v.sum() + states.i[-1].sum()
        if spikes.requires_grad:
            loss = loss + spikes.sum()
        loss.backward()
        grads.append((v.grad, i.grad))
    torch.testing.assert_close(grads[0][0], grads[1][0], rtol=1e-5, atol=1e-7)
    torch.testing.assert_close(grads[0][1], grads[1][1], rtol=1e-5, atol=1e-7)


def test_a_retained_graph_can_be_replayed_twice() -> None:
    x = torch.full((10, 2), 0.5, requires_grad=True)
    out, _ = LIF()(x)
    out.sum().backward(retain_graph=True)
    first = x.grad.clone()  # type: ignore[union-attr]
    out.sum().backward()  # the replay runs again from the saved inputs
    assert x.grad is not None and torch.equal(x.grad, 2 * first)


# --- ours: sparse input ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("module", [LIF, LIFCell])
def test_a_sparse_input_gives_sparse_spikes_and_float32_states(module: type[torch.nn.Module]) -> None:
    dense = (torch.rand(6, 4, generator=torch.Generator().manual_seed(6)) < 0.5).float() * 3.0
    z, state = module(LIFParameters(v_th=0.1))(dense.to_sparse())
    z_dense, state_dense = module(LIFParameters(v_th=0.1))(dense)
    assert z.is_sparse and not z_dense.is_sparse
    assert state.v.dtype == state.i.dtype == torch.float32
    assert torch.equal(z.to_dense(), z_dense)
    assert torch.equal(state.v, state_dense.v)
    assert z_dense.sum() > 0


@pytest.mark.parametrize(("ours", "theirs"), [(LIF, NorseLIF), (LIFCell, NorseLIFCell)])
def test_sparse_spikes_equal_norses(ours: type[torch.nn.Module], theirs: type[torch.nn.Module]) -> None:
    x = (torch.rand(8, 3, generator=torch.Generator().manual_seed(7)) < 0.6).float().mul(3.0).to_sparse()
    z_ours, _ = ours(LIFParameters(v_th=0.3))(x)
    z_theirs, _ = theirs(NorseParameters(v_th=torch.as_tensor(0.3)))(x)
    assert z_ours.is_sparse and z_theirs.is_sparse
    assert torch.equal(z_ours.to_dense(), z_theirs.to_dense().detach())
