import { render } from 'preact'
import { OnboardingApp } from '../../components/OnboardingApp.tsx'
import '../../assets/app.css'

render(<OnboardingApp />, document.getElementById('app')!)
