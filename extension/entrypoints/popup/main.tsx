import { render } from 'preact'
import { PopupApp } from '../../components/PopupApp.tsx'
import '../../assets/app.css'

render(<PopupApp />, document.getElementById('app')!)
