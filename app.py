"""The home page (the app itself arrives with the app issue)."""

import streamlit as st

from nn_core import MLP, load_dataset

st.set_page_config(page_title="Neural network digits", page_icon="🔢")
st.title("Watch a neural network learn to read digits")
dataset = load_dataset("mnist-5k")
model = MLP([dataset.n_features, 128, dataset.n_classes])
st.write(
    f"The engine is ready: a {'-'.join(map(str, model.layer_sizes))} network "
    f"({model.n_params:,} parameters) on {dataset.description}. The pages come next."
)
