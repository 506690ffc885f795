"""The seed tutorial's first number, as a quick sign of life."""

import torch

from lifteach import LIF


def test_two_input_spikes_reach_the_seed_tutorials_maximal_voltage() -> None:
    data = torch.zeros(1000, 1)
    data[100] = 1.0
    data[120] = 1.0
    _, states = LIF(record_states=True)(data)
    voltages = states.v.detach()
    assert abs(float(voltages.max()) - 0.3309) < 1e-4
    assert int(torch.argmax(voltages)) == 125
