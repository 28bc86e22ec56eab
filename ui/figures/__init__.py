"""Plotly figure builders: plain functions, arrays in, ``go.Figure`` out; none reads session state.

Split by kind: ``theme`` (colours, the common layout and helpers), ``images`` (arrays to RGB
pictures), ``common`` (what most pages share), then one module per topic: ``training``,
``network``, ``lessons``, ``backprop``, ``evaluation``. Arrays go to Plotly as float32 NumPy
arrays (sent compactly), never as lists.
"""
