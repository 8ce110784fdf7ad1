import { render } from 'preact'
import { OptionsApp } from '../../components/OptionsApp.tsx'
import '../../assets/app.css'

render(<OptionsApp />, document.getElementById('app')!)
