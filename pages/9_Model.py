import streamlit as st

from ui import page

page.setup("Model", "💾")
st.title("Model")
page.coming_soon("saving and loading your network, the training history as CSV, and a Kaggle submission.")
