import streamlit as st

from ui import page

page.setup("Activations", "📈")
st.title("Activations")
page.coming_soon(
    "ReLU, leaky ReLU, sigmoid, tanh and softmax with their derivatives, over the live pre-activations of your network."
)
