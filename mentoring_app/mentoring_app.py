import reflex as rx


class S(rx.State):
    n: int = 0

    @rx.event
    def inc(self):
        self.n += 1


def index():
    return rx.vstack(rx.heading("Hi"), rx.text(S.n), rx.button("Add", on_click=S.inc))


app = rx.App()
app.add_page(index)
