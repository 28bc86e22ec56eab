import streamlit as st

from ui import page

page.setup("Weights & biases", "🎛️")
st.title("Weights & biases")
page.coming_soon(
    "one neuron with knobs to turn, then every unit of your network as a picture, its bias, and the initialisation schemes compared."
)
