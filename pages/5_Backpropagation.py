import streamlit as st

from ui import page

page.setup("Backpropagation", "⬅️")
st.title("Backpropagation")
page.coming_soon("the backward pass with real numbers, gradient checks, and what went wrong in the seed notebook.")
