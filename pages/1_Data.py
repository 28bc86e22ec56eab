import streamlit as st

from ui import page

page.setup("Data", "🔢")
st.title("Data")
page.coming_soon(
    "the data the network learns from: a CSV row becoming a 28×28 image, samples of every digit, the average digit, the pixel histogram and the train/validation/test split."
)
